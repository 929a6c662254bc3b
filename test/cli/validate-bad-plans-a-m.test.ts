// Bad plan fixtures a..m through `rig validate` (test/cli/bad-plans.ts).
import { checkBadPlans } from './bad-plans.js';

checkBadPlans({ from: 'a', to: 'm' });
