// Lints the example's APPSYNC_JS resolvers (src/appsync-js/) with AWS's rules for the AppSync
// JavaScript runtime: `@aws-appsync/eslint-plugin`, recommended set, which needs type
// information (hence the project service). Run: pnpm exec eslint src/appsync-js/
import appsync from '@aws-appsync/eslint-plugin';

const { recommended } = appsync.configs;

export default [
  {
    ...recommended,
    files: ['src/appsync-js/**/*.js'],
    languageOptions: {
      ...recommended.languageOptions,
      parserOptions: {
        projectService: { allowDefaultProject: ['src/appsync-js/*.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
  },
];
