;; table.grow in a loop: grows until refused (-1), then traps on purpose.
;; expect: exit 134, stderr "wasm trap: unreachable"
(module
  (table 0 externref)
  (func (export "_start")
    (loop $l
      (if (i32.eq (table.grow 0 (ref.null extern) (i32.const 1000000)) (i32.const -1))
        (then unreachable))
      (br $l))))
