;; SPDX-License-Identifier: MIT
;; A trap in a module without a "name" section: reported by function index.
(module
  (memory (export "memory") 1)
  (func $boom unreachable)
  (func (export "_start") call $boom))
