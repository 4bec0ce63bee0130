// Lints the APPSYNC_JS guard (js/) with AWS's rules for the AppSync JavaScript runtime:
// `@aws-appsync/eslint-plugin`, recommended set (it needs type information, hence the
// project service). Run: pnpm --filter @cognito-guard/appsync exec eslint js/
import appsync from '@aws-appsync/eslint-plugin';

const { recommended } = appsync.configs;

export default [
  {
    ...recommended,
    files: ['js/**/*.js'],
    languageOptions: {
      ...recommended.languageOptions,
      parserOptions: {
        projectService: { allowDefaultProject: ['js/*.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
  },
];
