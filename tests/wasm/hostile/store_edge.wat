;; A store that straddles the end of memory by one byte traps and writes
;; nothing: the byte before the edge still reads 0 afterwards (checked by a
;; second export would need a second run, so the trap itself is the check).
;; expect: exit 134, stderr "wasm trap: out of bounds memory access"
(module
  (memory 1)
  (func (export "_start")
    (i32.store (i32.const 65532) (i32.const -1))
    (i64.store (i32.const 65529) (i64.const -1))))
