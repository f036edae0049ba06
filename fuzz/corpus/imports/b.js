import a, {b} from 'lodash/fp';
const x = require("@s/p/q");
/* import 'c' */
