;; call_indirect through a null table slot.
;; expect: exit 134, stderr "wasm trap: uninitialized element"
(module
  (type $v (func))
  (table 2 funcref)
  (func (export "_start") (call_indirect (type $v) (i32.const 1))))
