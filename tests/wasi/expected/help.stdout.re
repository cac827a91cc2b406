^usage: wactor <command>
^  wasm +run or inspect
