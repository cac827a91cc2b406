;; SPDX-License-Identifier: MIT
;; Well-formed but invalid (returns i64 where i32 is declared); built with
;; wat2wasm --no-check so the engine's validator must reject it.
(module
  (func (export "_start") (result i32) i64.const 0))
