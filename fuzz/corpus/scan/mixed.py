password = "Zq8vR0pL3mW6yB"
key = tk_live_u8jzPde0IgxLd6GncfBA
h = md5(x)
fetch("https://bad.test/x")
