;; call_indirect to a function of another type.
;; expect: exit 134, stderr "wasm trap: indirect call type mismatch"
(module
  (type $ii (func (param i32) (result i32)))
  (type $v (func))
  (table 2 funcref)
  (elem (i32.const 0) $f)
  (func $f (type $v))
  (func (export "_start") (drop (call_indirect (type $ii) (i32.const 5) (i32.const 0)))))
