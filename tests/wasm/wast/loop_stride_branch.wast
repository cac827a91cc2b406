;; SPDX-License-Identifier: MIT
;; Translator fusion: a loop counter's variable stride fused into its back-edge compare-and-branch.
(module
  (func (export "rstep") (param $n i32) (param $d i32) (result i32) (local $i i32) (local $s i32)
    (loop $l
      (local.set $s (i32.add (local.get $s) (i32.const 1)))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (local.get $d))) (local.get $n))))
    (i32.add (i32.mul (local.get $s) (i32.const 1000)) (local.get $i)))
  (func (export "rstep_imm") (param $n i32) (param $d i32) (result i32) (local $s i32)
    (loop $l
      (local.set $s (i32.add (local.get $s) (i32.const 1)))
      (br_if $l (i32.gt_s (local.tee $n (i32.add (local.get $d) (local.get $n))) (i32.const -20))))
    (i32.add (i32.mul (local.get $s) (i32.const 1000)) (local.get $n)))
  (func (export "rstep_self") (param $n i32) (result i32) (local $s i32)
    (loop $l
      (local.set $s (i32.add (local.get $s) (i32.const 1)))
      (br_if $l (i32.ge_u (local.get $n) (local.tee $n (i32.add (local.get $n) (local.get $n))))))
    (local.get $s))
)
(assert_return (invoke "rstep" (i32.const 100) (i32.const 7)) (i32.const 15105))
(assert_return (invoke "rstep_imm" (i32.const 10) (i32.const -4)) (i32.const 7978))
(assert_return (invoke "rstep_self" (i32.const 1)) (i32.const 1))
