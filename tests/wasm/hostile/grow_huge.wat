;; memory.grow and table.grow with deltas of 2^32-1 return -1 and change
;; nothing; then a data store at the top of the one page works, and the
;; program ends with proc_exit(7) to show it got there.
;; expect: exit 7, stderr ""
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory 1)
  (table 1 funcref)
  (func (export "_start")
    (if (i32.ne (memory.grow (i32.const -1)) (i32.const -1)) (then unreachable))
    (if (i32.ne (memory.grow (i32.const 0x10000)) (i32.const -1)) (then unreachable))
    (if (i32.ne (table.grow 0 (ref.null func) (i32.const -1)) (i32.const -1)) (then unreachable))
    (if (i32.ne (memory.size) (i32.const 1)) (then unreachable))
    (if (i32.ne (table.size 0) (i32.const 1)) (then unreachable))
    (i32.store (i32.const 65532) (i32.const 1))
    (call $exit (i32.const 7))))
