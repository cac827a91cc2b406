;; The start function loops forever; --fuel must stop it at instantiation.
;; expect: exit 134, stderr "wasm trap: fuel limit exceeded"
;; options: --fuel 1000000
(module
  (func $s (loop $l (br $l)))
  (start $s)
  (func (export "_start")))
