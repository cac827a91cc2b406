;; Float to int of NaN: the trapping conversion traps (the saturating one
;; gives 0, checked first).
;; expect: exit 134, stderr "wasm trap: invalid conversion to integer"
(module
  (func (export "_start")
    (if (i32.ne (i32.trunc_sat_f64_s (f64.const nan)) (i32.const 0)) (then return))
    (drop (i32.trunc_f64_s (f64.const nan)))))
