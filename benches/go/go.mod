module godefer.example/benches

go 1.19
