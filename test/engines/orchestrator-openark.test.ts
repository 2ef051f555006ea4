import { conformance } from './conformance.js';

conformance('openark');
