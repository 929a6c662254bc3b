// Bad plan fixtures n..z through `rig validate` (test/cli/bad-plans.ts).
import { checkBadPlans } from './bad-plans.js';

checkBadPlans({ from: 'n', to: 'z' });
