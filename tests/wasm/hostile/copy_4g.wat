;; memory.copy with a 4 GiB length: out of bounds trap, nothing copied.
;; expect: exit 134, stderr "wasm trap: out of bounds memory access"
(module
  (memory 1)
  (func (export "_start")
    (memory.copy (i32.const 0) (i32.const 1) (i32.const -1))))
