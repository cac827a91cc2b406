;; i32.rem_s INT_MIN % -1 is 0 (no trap); i64 as well; then a real trap to mark it.
;; expect: exit 134, stderr "wasm trap: integer overflow"
(module
  (func $r (param i32 i32) (result i32) (i32.rem_s (local.get 0) (local.get 1)))
  (func $r64 (param i64 i64) (result i64) (i64.rem_s (local.get 0) (local.get 1)))
  (func (export "_start")
    (if (i32.ne (call $r (i32.const 0x80000000) (i32.const -1)) (i32.const 0)) (then return))
    (if (i64.ne (call $r64 (i64.const 0x8000000000000000) (i64.const -1)) (i64.const 0)) (then return))
    (drop (i64.div_s (i64.const 0x8000000000000000) (i64.const -1)))))
