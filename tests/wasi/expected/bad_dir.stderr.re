^wactor: cannot open directory '.*/no-such-dir': No such file or directory
