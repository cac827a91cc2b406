;; SPDX-License-Identifier: MIT
;; A module that is not a component, for `wactor invoke` on the engine alone.
(module
  (func (export "mix") (param i64 f64) (result f64 i32)
    (f64.add (local.get 1) (f64.convert_i64_s (local.get 0)))
    (i32.const -1)))
