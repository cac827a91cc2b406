;; SPDX-License-Identifier: MIT
;; Benchmark guest: the smallest component (one page of memory). Answers a
;; request with its payload; used for spawn cost and idle memory per component.
(module
  (import "wactor" "msg_read" (func $read (param i32 i32) (result i32)))
  (import "wactor" "reply" (func $reply (param i64 i32 i32) (result i32)))
  (memory (export "memory") 1 1)
  (func (export "handle_message") (param $from i64) (param $kind i32) (param $corr i64)
        (param $len i32) (result i32)
    (local $n i32)
    (local.set $n (call $read (i32.const 0) (i32.const 256)))
    (if (i32.eq (local.get $kind) (i32.const 2))
      (then (drop (call $reply (local.get $corr) (i32.const 0) (local.get $n)))))
    (i32.const 0)))
