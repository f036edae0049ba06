module example.invalid/service

go 1.21

toolchain go1.22.1

require github.com/spf13/cobra v1.8.0

require (
	github.com/google/uuid v1.6.0
	golang.org/x/net v0.0.0-20240311171530-4a9b0f2a1b2c // indirect
	github.com/old/lib v1.2.0
	example.invalid/internal/shared v0.0.0-00010101000000-000000000000
	gopkg.in/yaml.v3 v3.0.1 // indirect
	github.com/go-chi/chi/v5 v5.0.12
)

replace github.com/old/lib v1.2.0 => github.com/fork/lib v1.2.1-fix

replace example.invalid/internal/shared => ../shared

exclude github.com/google/uuid v1.5.0

retract [v0.1.0, v0.1.5]
