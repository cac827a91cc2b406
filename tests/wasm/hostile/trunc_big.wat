;; Float to int of a value out of range: integer overflow trap, not UB in C.
;; expect: exit 134, stderr "wasm trap: integer overflow"
(module
  (func (export "_start")
    (if (i64.ne (i64.trunc_sat_f32_u (f32.const -1e30)) (i64.const 0)) (then return))
    (drop (i64.trunc_f32_s (f32.const 1e30)))))
