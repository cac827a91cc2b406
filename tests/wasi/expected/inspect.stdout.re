^module .*files\.wasm: [0-9]+ bytes, hash [0-9a-f]{16}$
^types \([0-9]+\):
^imports \([0-9]+\):
^  func wasi_snapshot_preview1\.fd_write \(i32, i32, i32, i32\) -> \(i32\)$
^exports \([0-9]+\):
^  func _start \[[0-9]+\] \(\) -> \(\)$
^  memory memory \[0\] pages min [0-9]+
^custom sections \([0-9]+\):
^  name: [0-9]+ bytes$
