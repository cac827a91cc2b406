;; A module without memory that calls fd_write: WASI cannot read its
;; arguments, so the call fails with an errno (exit status), not a crash.
;; expect: exit 21, stderr ""
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (func (export "_start")
    (call $exit (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 16)))))
