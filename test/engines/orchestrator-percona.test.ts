import { conformance } from './conformance.js';

conformance('percona');
