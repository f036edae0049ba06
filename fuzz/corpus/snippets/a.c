int f(int a) { /* c */ return a + "s\"t"; } // x
# y
