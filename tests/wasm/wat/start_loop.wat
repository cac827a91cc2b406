;; A start function that never returns: instantiation must be bounded.
(module
  (memory (export "memory") 1)
  (func $forever (loop $l (br $l)))
  (start $forever))
