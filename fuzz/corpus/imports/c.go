package m
import (
  "fmt"
  y "gopkg.in/yaml.v3"
)
