;; memory.grow in a loop until refused; once refused it checks the size is the
;; limit (else unreachable) and touches the first byte past it: the expected
;; out-of-bounds trap shows the limit held. Prints nothing.
;; expect: exit 134, stderr "wasm trap: out of bounds memory access"
;; options: --max-memory-pages 16
(module
  (memory 1)
  (func (export "_start") (local $n i32)
    (loop $l
      (if (i32.eq (memory.grow (i32.const 1)) (i32.const -1))
        (then
          ;; refused: the size must be exactly the limit (16 pages)
          (if (i32.ne (memory.size) (i32.const 16)) (then unreachable))
          ;; touch the last byte of the last page, then prove the next page faults
          (i32.store8 (i32.const 1048575) (i32.const 7))
          (drop (i32.load8_u (i32.const 1048576)))
          return))
      (br $l))))
