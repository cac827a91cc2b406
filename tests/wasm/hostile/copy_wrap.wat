;; memory.copy whose destination + length wraps past 2^32.
;; expect: exit 134, stderr "wasm trap: out of bounds memory access"
(module
  (memory 1)
  (func (export "_start")
    (memory.copy (i32.const -16) (i32.const 0) (i32.const 32))))
