export { PlanReviewPage as default } from './plan-review.page';
