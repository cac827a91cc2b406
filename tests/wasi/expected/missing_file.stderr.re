^wactor: cannot open '.*no_such_file\.wasm': No such file or directory
