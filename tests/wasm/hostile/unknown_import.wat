;; An import no host provides: a link error (exit 1), not a crash.
;; expect: exit 1, stderr "unknown import wasi_snapshot_preview1.no_such_function"
(module
  (import "wasi_snapshot_preview1" "no_such_function" (func (param i32) (result i32)))
  (func (export "_start")))
