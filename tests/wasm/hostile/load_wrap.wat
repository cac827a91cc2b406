;; A load whose address + offset wraps past 2^32: must trap, not read low memory.
;; expect: exit 134, stderr "wasm trap: out of bounds memory access"
(module
  (memory 1)
  (func (export "_start")
    (drop (i64.load offset=0xffffffff (i32.const 2)))))
