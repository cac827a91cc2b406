;; proc_exit from the start function: the exit status is the program's code.
;; expect: exit 42, stderr ""
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (func $s (call $exit (i32.const 42)))
  (start $s)
  (func (export "_start") unreachable))
