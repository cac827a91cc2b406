^usage: wactor wasm run
--dir HOST\[::GUEST\]
