;; An active data segment that ends one byte past its memory: instantiation
;; fails with a trap and nothing is run.
;; expect: exit 134, stderr "out of bounds memory access"
(module
  (memory 1)
  (data (i32.const 65535) "ab")
  (func (export "_start") unreachable))
