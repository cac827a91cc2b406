;; table.init whose source range runs past a passive element segment.
;; expect: exit 134, stderr "wasm trap: out of bounds table access"
(module
  (table 10 funcref)
  (func $f)
  (elem $e func $f $f)
  (func (export "_start")
    (table.init $e (i32.const 0) (i32.const 1) (i32.const 2))))
