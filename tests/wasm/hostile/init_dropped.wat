;; memory.init from a dropped data segment (length 1): out of bounds trap;
;; with length 0 it is allowed, so that runs first.
;; expect: exit 134, stderr "wasm trap: out of bounds memory access"
(module
  (memory 1)
  (data $d "hello")
  (func (export "_start")
    (data.drop $d)
    (memory.init $d (i32.const 0) (i32.const 0) (i32.const 0))
    (memory.init $d (i32.const 0) (i32.const 0) (i32.const 1))))
