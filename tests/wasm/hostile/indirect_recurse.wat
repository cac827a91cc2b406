;; Unbounded recursion through call_indirect, the table holding the function
;; itself: the call-depth limit ends it with a trap.
;; expect: exit 134, stderr "wasm trap: call stack exhausted"
(module
  (type $v (func))
  (table funcref (elem $f))
  (func $f (type $v) (call_indirect (type $v) (i32.const 0)))
  (func (export "_start") (call $f)))
