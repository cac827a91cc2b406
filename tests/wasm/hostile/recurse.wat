;; Unbounded recursion: the call stack must run out with a trap, not a crash.
;; expect: exit 134, stderr "wasm trap: call stack exhausted"
(module
  (func $f (param i64) (result i64)
    (i64.add (call $f (i64.add (local.get 0) (i64.const 1))) (i64.const 1)))
  (func (export "_start") (drop (call $f (i64.const 0)))))
