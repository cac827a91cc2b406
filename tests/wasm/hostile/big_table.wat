;; A table of 10M funcrefs: at the default limit, so it must instantiate.
;; expect: exit 0, stderr ""
(module
  (table 10000000 funcref)
  (func (export "_start")
    (if (i32.ne (table.size 0) (i32.const 10000000)) (then unreachable))
    (if (i32.eqz (ref.is_null (table.get 0 (i32.const 9999999)))) (then unreachable))))
