;; A table minimum beyond the 10M element limit: refused at instantiation.
;; expect: exit 1, stderr "exceeds the limit of 10000000"
(module
  (table 4000000000 funcref)
  (func (export "_start")))
