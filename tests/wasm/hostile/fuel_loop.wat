;; An infinite loop, stopped by --fuel.
;; expect: exit 134, stderr "wasm trap: fuel limit exceeded"
;; options: --fuel 1000000
(module
  (func (export "_start") (loop $l (br $l))))
