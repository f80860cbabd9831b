module rethink

go 1.24.0

require (
	github.com/wamuir/graft v0.10.0
	google.golang.org/protobuf v1.34.2
)

require golang.org/x/xerrors v0.0.0-20200804184101-5ec99f83aff1 // indirect
