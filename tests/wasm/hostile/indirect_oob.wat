;; call_indirect with an index far past the table.
;; expect: exit 134, stderr "wasm trap: undefined element"
(module
  (type $v (func))
  (table 2 funcref)
  (func (export "_start") (call_indirect (type $v) (i32.const -1))))
