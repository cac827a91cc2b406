;; Recursion through a function with 20,000 i64 locals (160 KB a frame): the
;; value stack limit (8 MiB by default) must stop it long before the
;; call-depth limit, with a trap. Written as bytes: the text format has no
;; way to declare 20,000 locals in one line.
;; expect: exit 134, stderr "wasm trap: value stack exhausted"
(module binary
  "\00asm" "\01\00\00\00"
  "\01\08\02" "\60\01\7f\00" "\60\00\00"           ;; types: (i32) -> (), () -> ()
  "\03\03\02\00\01"                                ;; funcs: $f type 0, _start type 1
  "\07\0a\01\06_start\00\01"                       ;; export _start = func 1
  "\0a\16\02"                                      ;; code, 2 bodies
  "\0d\01\a0\9c\01\7e"                             ;; $f: 20000 x i64
  "\20\00\41\01\6a\10\00\0b"                       ;;   call $f (local.get 0 + 1)
  "\06\00\41\00\10\00\0b")                         ;; _start: call $f (0)
