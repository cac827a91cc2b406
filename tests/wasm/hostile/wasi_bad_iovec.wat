;; fd_write with an iovec list and a buffer pointing past the end of memory:
;; WASI answers EFAULT (21), never a host crash or trap. The program exits with
;; the errno it got.
;; expect: exit 21, stderr ""
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory 1)
  (func (export "_start")
    ;; iovec at 0: buf = 0xfffffff0, len = 64
    (i32.store (i32.const 0) (i32.const 0xfffffff0))
    (i32.store (i32.const 4) (i32.const 64))
    (call $exit (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 16)))))
