;; SPDX-License-Identifier: MIT
;; Engine micro-benchmark module: one page of memory, a data segment and a
;; function that touches one byte, for instantiate cost and idle footprint.
(module
  (memory (export "memory") 1 1)
  (global $calls (mut i32) (i32.const 0))
  (data (i32.const 16) "wactor")
  (func (export "touch") (param $addr i32) (result i32)
    (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
    (i32.store8 (local.get $addr) (i32.const 1))
    (i32.load8_u (i32.const 16))))
