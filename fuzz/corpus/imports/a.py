import os, yaml
from x.y import (
 z)
try:
    import ujson
