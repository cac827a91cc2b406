;; An active element segment past the end of its table: instantiation fails.
;; expect: exit 134, stderr "out of bounds table access"
(module
  (table 2 funcref)
  (func $f)
  (elem (i32.const 1) $f $f)
  (func (export "_start") unreachable))
